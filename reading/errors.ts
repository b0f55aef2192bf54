// Errors of the reading engine, written for a teacher: what was found and what to check.
// Both mean the picture cannot be read as this sheet (bad input, never worth a retry).

/** No answer sheet (or not the expected one) could be found in the picture. */
export class SheetNotFoundError extends Error {
  override name = 'SheetNotFoundError';
}

/** The file is not an image that can be decoded at all. */
export class UnreadableImageError extends SheetNotFoundError {
  override name = 'UnreadableImageError';
}

import { BadInputError } from '../domain/bad-input';

// Bad input of the reading engine, written for a teacher: what was found and what to check.

/**
 * No answer sheet (or not the expected one) could be found in the picture, or the picture could
 * not be decoded. A subclass of its own because the sheet activity names the page in front of it.
 */
export class SheetNotFoundError extends BadInputError {}

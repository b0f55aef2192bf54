// Input a teacher must fix (not an image, an empty page, the wrong template): the one error
// type for it everywhere. The API answers it with a 4xx; an activity that throws it fails at
// once, without retries (BAD_INPUT is listed in workflows/policies.ts), with this message.

/** The failure type an activity's bad input carries in Temporal (histories record it). */
export const BAD_INPUT = 'BadInput';

export class BadInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = BAD_INPUT;
  }
}

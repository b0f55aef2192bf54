import { ApplicationFailure } from '@temporalio/activity';

/**
 * Input the teacher must fix (unreadable page, empty page, wrong template). It fails the
 * exam at once, without retries, with a message that says what to do.
 */
export function badInput(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'BadInput');
}

// `capture-histories -- v<N> review`: teacher review on, with a deadline within the run (for
// the timed-out history), in the environment this script and its child processes read at their start.
if (process.argv[3] === 'review') {
  process.env.EXAMFLOW_REVIEW = 'on';
  process.env.EXAMFLOW_REVIEW_TIMEOUT_HOURS = String(20 / 3600);
}

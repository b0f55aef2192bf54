// The hostile-input suite runs as production would: webhooks to non-public addresses are
// refused, and a request must arrive within a few seconds (so a slow upload is cut in the test).
process.env.EXAMFLOW_WEBHOOK_ALLOW_PRIVATE = 'false';
process.env.EXAMFLOW_UPLOAD_TIMEOUT_MS = '4000';
import './env';

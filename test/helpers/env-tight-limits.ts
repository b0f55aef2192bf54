// Tight limits for the limits test, set before any module reads the configuration.
process.env.EXAMFLOW_MAX_IN_FLIGHT = '2';
process.env.EXAMFLOW_RATE_LIMIT_PER_MINUTE = '40';
process.env.EXAMFLOW_MAX_UPLOAD_BYTES = String(512 * 1024);
process.env.EXAMFLOW_MAX_PAGES = '3';
import './env';

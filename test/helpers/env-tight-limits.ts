// Tight limits for the limits test (the stack helpers read them with the rest of the environment).
process.env.EXAMFLOW_MAX_IN_FLIGHT = '4';
// each tenant may hold half: 2 exams
process.env.EXAMFLOW_TENANT_SHARE = '0.5';
process.env.EXAMFLOW_RATE_LIMIT_PER_MINUTE = '40';
process.env.EXAMFLOW_MAX_UPLOAD_BYTES = String(512 * 1024);
process.env.EXAMFLOW_MAX_PAGES = '3';
import './env';

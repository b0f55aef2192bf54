// Teacher review on, for the review suites, before any module reads the configuration.
process.env.EXAMFLOW_REVIEW = 'on';
import './env';

/** The exports' defaults, declared once for the API's handlers and the CLI's help. */

/** timed runs per latency figure of a student export when the caller does not say */
export const DEFAULT_LATENCY_RUNS = 50;

/** the side of the video frames a dataset export writes when the caller does not say */
export const DEFAULT_EXPORT_FRAME_SIZE = 112;

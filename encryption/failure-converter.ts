import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces travel as an encoded payload, so the payload codec encrypts
 * them too: an error naming a file or an album is not readable in plain history.
 * Loaded by path, as the workflow sandbox needs it.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

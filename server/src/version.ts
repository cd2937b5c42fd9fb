/** The server's version, as published in the OpenAPI document. Kept in step with package.json by a test. */
export const VERSION = "0.1.0";

import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Every schema is built from this `z`: zod 4 gives a schema the OpenAPI extension only if
// it was created after extendZodWithOpenApi ran, and the OpenAPI document reads them all.
extendZodWithOpenApi(z);

export { z };

import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { STEP_COMPONENT_SCHEMAS } from '@app/engine';

/** The step schemas live in libs/engine (the validator reads the same objects), not in DTO classes: add them by name. */
export function withStepSchemas(document: OpenAPIObject): OpenAPIObject {
  const steps = STEP_COMPONENT_SCHEMAS as Record<string, SchemaObject>;
  return { ...document, components: { ...document.components, schemas: { ...document.components?.schemas, ...steps } } };
}

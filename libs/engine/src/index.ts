export * from './engine.types';
export { HEADER_NAME, isReservedHeader } from './http-header-rules';
export { runWorkflow } from './workflow.runner';
export { validateWorkflowSteps } from './workflow.validator';
export { MAX_STEPS, STEP_COMPONENT_SCHEMAS, STEPS_SCHEMA } from './step-schema';

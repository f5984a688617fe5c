export * from './engine.types';
export { HEADER_NAME, isReservedHeader } from './http-header-rules';
export { runWorkflow } from './workflow.runner';
export { MAX_STEPS, validateWorkflowSteps } from './workflow.validator';

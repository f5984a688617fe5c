export * from './engine.types';
export { runWorkflow } from './workflow.runner';
export { validateWorkflowSteps } from './workflow.validator';

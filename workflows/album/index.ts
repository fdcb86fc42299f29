export { albumWorkflow } from './workflow';

export { startOarSim } from './sim';
export type { OarSim, OarSimOptions } from './sim';
export type { RequestFilter } from './http/server';
export { BASIC_USERS } from './http/server';
export { sqlDate } from './oarsub';
export { seededRandom, workloadPlan } from './workload';
export type { WorkloadOptions, PlannedJob } from './workload';
export { MEASURED_COSTS, NO_COSTS, readCostMs } from './cost-model';
export type { CostModel, CostedRead, ReadCost } from './cost-model';

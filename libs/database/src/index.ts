export * from './data-source-options';
export * from './database.module';
export * from './entities';
export * from './migrations';
export * from './run-migrations';
export * from './sql-errors';
export * from './sql-pool';

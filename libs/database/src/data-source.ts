// Entry for the TypeORM CLI (`npm run migration:generate`).
import './sql-require-hook';
import { DataSource } from 'typeorm';
import { loadConfigFromEnvironment } from '../../config/src/load-config';
import { buildDataSourceOptions } from './data-source-options';

export default new DataSource(buildDataSourceOptions({ url: loadConfigFromEnvironment().databaseUrl }));

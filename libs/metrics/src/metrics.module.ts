import { DynamicModule, Global, Module } from '@nestjs/common';
import { FlowlineMetrics } from './flowline-metrics';

@Global()
@Module({})
export class MetricsModule {
  static forRoot(processName: string): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: FlowlineMetrics, useValue: new FlowlineMetrics(processName) }],
      exports: [FlowlineMetrics],
    };
  }
}

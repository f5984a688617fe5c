import { Injectable } from '@nestjs/common';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

/** A statement prepared once per pooled connection under its name. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

export function namedStatement(name: string, text: string): NamedStatement {
  return { name: `flowline_${name}`, text };
}

/**
 * The few statements run on every request or execution go straight to the
 * pg pool TypeORM owns: prepared once per connection, no query runner, no
 * entity mapping (the profile showed TypeORM's query building as the api's
 * largest JavaScript cost). Everything else stays on TypeORM.
 */
@Injectable()
export class SqlPool {
  constructor(private readonly dataSource: DataSource) {}

  async rows<T extends QueryResultRow>(statement: NamedStatement, values: unknown[]): Promise<T[]> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const result = await pool.query<T>({ name: statement.name, text: statement.text, values });
    return result.rows;
  }

  async one<T extends QueryResultRow>(statement: NamedStatement, values: unknown[]): Promise<T | undefined> {
    return (await this.rows<T>(statement, values))[0];
  }
}

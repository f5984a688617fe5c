import { Type as ClassType } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IntegerField, responseCount } from './fields';

/** Keeps the row offset a number PostgreSQL takes (1e308 is an integer to the validator). */
export const MAX_PAGE = 1_000_000;
export const MAX_PAGE_SIZE = 100;

export class PaginationQuery {
  @IntegerField({ optional: true, fromQuery: true, min: 1, max: MAX_PAGE, default: 1 })
  page: number = 1;

  @IntegerField({ optional: true, fromQuery: true, min: 1, max: MAX_PAGE_SIZE, default: 20 })
  limit: number = 20;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export function toPage<T>(items: T[], total: number, query: PaginationQuery): Page<T> {
  return { items, total, page: query.page, limit: query.limit };
}

/** The list envelope of DESIGN.md, documented with its item type: `class WorkflowPage extends PageOf(WorkflowResponse) {}`. */
export function PageOf<T>(item: ClassType<T>): ClassType<Page<T>> {
  class PageResponse implements Page<T> {
    @ApiProperty({ type: [item], maxItems: MAX_PAGE_SIZE })
    items: T[];
    @ApiProperty(responseCount({ example: 42 }))
    total: number;
    @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: MAX_PAGE, example: 1 })
    page: number;
    @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: MAX_PAGE_SIZE, example: 20 })
    limit: number;
  }
  return PageResponse;
}

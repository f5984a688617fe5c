import { Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Keeps the row offset a number PostgreSQL takes (1e308 is an integer to the validator). */
export const MAX_PAGE = 1_000_000;

export class PaginationQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
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
    @ApiProperty({ type: [item] })
    items: T[];
    @ApiProperty({ example: 42 })
    total: number;
    @ApiProperty({ example: 1 })
    page: number;
    @ApiProperty({ example: 20 })
    limit: number;
  }
  return PageResponse;
}

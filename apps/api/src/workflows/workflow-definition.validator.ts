import { Injectable } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import { StoredStep, WorkflowTrigger } from '@app/database';
import { validateWorkflowSteps } from '@app/engine';
import { ValidationError } from '@app/errors';
import { CredentialsService } from '../credentials/credentials.service';
import { RegionPolicy } from '../regions/region-policy.service';
import { TriggerRequest } from './workflow-triggers.dto';

/** Everything a workflow must satisfy before it is saved; each problem names its step or field. */
@Injectable()
export class WorkflowDefinitionValidator {
  constructor(
    private readonly regions: RegionPolicy,
    private readonly credentials: CredentialsService,
  ) {}

  assertSteps(steps: StoredStep[]): void {
    const problems = validateWorkflowSteps(steps);
    if (problems.length === 0) return;
    const fields = problems.map((problem) => ({
      field: problem.path,
      errors: [problem.stepId ? `step "${problem.stepId}": ${problem.message}` : problem.message],
    }));
    throw new ValidationError(fields.map((field) => `${field.field}: ${field.errors[0]}`).join('; '), fields);
  }

  /** Every credentialId must name a credential of this owner; another user's answers like an unknown id. */
  async assertCredentialsOwned(ownerId: string, steps: StoredStep[]): Promise<void> {
    const references = steps.flatMap((step, index) =>
      step.type === 'http' && typeof step.params?.credentialId === 'string'
        ? [{ index, stepId: step.id, credentialId: step.params.credentialId }]
        : [],
    );
    if (references.length === 0) return;
    const owned = await this.credentials.ownedIds(
      ownerId,
      references.map((reference) => reference.credentialId),
    );
    const fields = references
      .filter((reference) => !owned.has(reference.credentialId.toLowerCase()))
      .map((reference) => ({
        field: `steps[${reference.index}].params.credentialId`,
        errors: [`step "${reference.stepId}": no credential with this id`],
      }));
    if (fields.length > 0) throw new ValidationError(fields.map((field) => `${field.field}: ${field.errors[0]}`).join('; '), fields);
  }

  toTrigger(trigger: TriggerRequest | undefined): WorkflowTrigger {
    if (!trigger || trigger.type === 'manual') return { type: 'manual' };
    if (trigger.type === 'webhook') return { type: 'webhook' };
    const cron = trigger.cron.trim();
    const timezone = trigger.timezone;
    try {
      CronExpressionParser.parse(cron, { tz: timezone ?? 'UTC' });
      if (cron.split(/\s+/).length < 5) throw new Error('too few fields');
    } catch {
      throw new ValidationError(`trigger.cron: "${cron.slice(0, 120)}" is not a valid cron expression (5 or 6 fields)`, [
        { field: 'trigger.cron', errors: ['must be a valid cron expression'] },
      ]);
    }
    if (timezone && !isTimeZone(timezone)) {
      throw new ValidationError(`trigger.timezone: unknown time zone "${timezone}"`, [
        { field: 'trigger.timezone', errors: ['must be an IANA time zone'] },
      ]);
    }
    return timezone ? { type: 'schedule', cron, timezone } : { type: 'schedule', cron };
  }

  assertRegion(region: string | null | undefined): void {
    if (region) this.regions.assertKnown(region);
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

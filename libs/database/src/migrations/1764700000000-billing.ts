import { MigrationInterface, QueryRunner } from 'typeorm';

export class Billing1764700000000 implements MigrationInterface {
  name = 'Billing1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One subscription per user; users.tier stays what admission reads, kept equal to tier here in one transaction.
    await queryRunner.query(`
      CREATE TABLE subscriptions (
        user_id uuid NOT NULL,
        tier text NOT NULL,
        status text NOT NULL DEFAULT 'active',
        provider text NOT NULL,
        provider_customer_id text,
        provider_subscription_id text,
        current_period_end timestamptz,
        cancel_at_period_end boolean NOT NULL DEFAULT false,
        last_event_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_subscriptions PRIMARY KEY (user_id),
        CONSTRAINT fk_subscriptions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_subscriptions_tier CHECK (tier IN ('free', 'pro', 'enterprise')),
        CONSTRAINT ck_subscriptions_status CHECK (status IN ('active', 'past_due', 'canceled')),
        CONSTRAINT ck_subscriptions_provider CHECK (provider IN ('mock', 'stripe')),
        CONSTRAINT uq_subscriptions_provider_customer UNIQUE (provider_customer_id),
        CONSTRAINT uq_subscriptions_provider_subscription UNIQUE (provider_subscription_id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_subscriptions_past_due ON subscriptions (current_period_end) WHERE status = 'past_due'`);

    await queryRunner.query(`
      CREATE TABLE subscription_changes (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        actor_type text NOT NULL,
        actor_id uuid,
        provider_event_id text,
        from_tier text NOT NULL,
        to_tier text NOT NULL,
        from_status text NOT NULL,
        to_status text NOT NULL,
        deactivated_workflows jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_subscription_changes PRIMARY KEY (id),
        CONSTRAINT fk_subscription_changes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_subscription_changes_actor CHECK (actor_type IN ('user', 'admin', 'provider', 'system'))
      )`);
    await queryRunner.query(`CREATE INDEX ix_subscription_changes_user_created ON subscription_changes (user_id, created_at)`);
    // History is append-only: rows may go with their user, never be rewritten.
    await queryRunner.query(`
      CREATE FUNCTION subscription_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'subscription_changes is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER tr_subscription_changes_append_only BEFORE UPDATE ON subscription_changes
      FOR EACH ROW EXECUTE FUNCTION subscription_changes_append_only()`);

    // Each provider event is applied once: the primary key, not a read-then-write, decides.
    await queryRunner.query(`
      CREATE TABLE billing_events (
        event_id text NOT NULL,
        provider text NOT NULL,
        type text NOT NULL,
        event_created_at timestamptz NOT NULL,
        user_id uuid,
        outcome text NOT NULL DEFAULT 'pending',
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_billing_events PRIMARY KEY (event_id),
        CONSTRAINT fk_billing_events_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT ck_billing_events_outcome CHECK (outcome IN ('pending', 'applied', 'stale', 'ignored'))
      )`);

    await queryRunner.query(`INSERT INTO subscriptions (user_id, tier, provider) SELECT id, tier, 'mock' FROM users`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE billing_events`);
    await queryRunner.query(`DROP TABLE subscription_changes`);
    await queryRunner.query(`DROP FUNCTION subscription_changes_append_only()`);
    await queryRunner.query(`DROP TABLE subscriptions`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

export class Credentials1764600000000 implements MigrationInterface {
  name = 'Credentials1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No plaintext column: the secret exists only as an AES-256-GCM envelope (key_id, iv, auth_tag, ciphertext).
    await queryRunner.query(`
      CREATE TABLE credentials (
        id uuid NOT NULL,
        owner_id uuid NOT NULL,
        name text NOT NULL,
        type text NOT NULL,
        key_id text NOT NULL,
        iv bytea NOT NULL,
        auth_tag bytea NOT NULL,
        ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_credentials PRIMARY KEY (id),
        CONSTRAINT fk_credentials_owner FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_credentials_type CHECK (type IN ('bearer', 'basic', 'header')),
        CONSTRAINT ck_credentials_iv_length CHECK (octet_length(iv) = 12),
        CONSTRAINT ck_credentials_tag_length CHECK (octet_length(auth_tag) = 16)
      )`);
    await queryRunner.query(`CREATE INDEX ix_credentials_owner_created ON credentials (owner_id, created_at)`);
    // The rotation command looks for rows not yet under the active key.
    await queryRunner.query(`CREATE INDEX ix_credentials_key_id ON credentials (key_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE credentials`);
  }
}

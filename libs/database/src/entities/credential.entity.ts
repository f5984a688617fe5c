import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type CredentialKind = 'bearer' | 'basic' | 'header';

/** A third-party secret, stored only as an AES-256-GCM envelope bound to (id, owner_id). */
@Entity({ name: 'credentials' })
@Index('ix_credentials_owner_created', ['ownerId', 'createdAt'])
export class CredentialEntity {
  /** Chosen before encryption: the envelope's AAD binds it. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_credentials' })
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: CredentialKind;

  /** Id of the ENCRYPTION_KEYS entry that sealed the envelope. */
  @Index('ix_credentials_key_id')
  @Column({ name: 'key_id', type: 'text' })
  keyId: string;

  @Column({ type: 'bytea' })
  iv: Buffer;

  @Column({ name: 'auth_tag', type: 'bytea' })
  authTag: Buffer;

  @Column({ type: 'bytea' })
  ciphertext: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

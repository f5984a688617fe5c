import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ILike, Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { UserEntity } from '@app/database';
import { hashPassword } from '../auth/passwords';
import { NotFoundError } from '@app/errors';
import { RegionPolicy } from '../regions/region-policy.service';
import { UpdateMeRequest } from './users.dto';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly regions: RegionPolicy,
    private readonly config: AppConfig,
  ) {}

  /** The first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD; an existing account is left as it is. */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.admin;
    if (!admin) return;
    const passwordHash = await hashPassword(admin.password);
    const result = await this.users
      .createQueryBuilder()
      .insert()
      .values({ email: admin.email, name: 'Administrator', passwordHash, role: 'admin' })
      .orIgnore()
      .execute();
    if (result.identifiers.length > 0 && result.identifiers[0]) this.logger.log(`Created the first admin account ${admin.email}`);
  }

  async getById(id: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundError('User');
    return user;
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  async updateMe(userId: string, change: UpdateMeRequest): Promise<UserEntity> {
    const user = await this.getById(userId);
    if (change.preferredRegion !== undefined && change.preferredRegion !== null) this.regions.assertKnown(change.preferredRegion);
    if (change.name !== undefined) user.name = change.name;
    if (change.preferredRegion !== undefined) user.preferredRegion = change.preferredRegion;
    return this.users.save(user);
  }

  async list(page: number, limit: number, emailContains?: string): Promise<[UserEntity[], number]> {
    return this.users.findAndCount({
      where: emailContains ? { email: ILike(`%${escapeLike(emailContains.toLowerCase())}%`) } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
  }

  save(user: UserEntity): Promise<UserEntity> {
    return this.users.save(user);
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

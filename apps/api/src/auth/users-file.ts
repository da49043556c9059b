import { parse } from 'yaml';
import { z } from 'zod';
import { ROLES } from '@oar-live/shared';

/** OAR only trusts logins matching \w+ (oarapi.pl), so names sent to it must too. */
const login = z.string().regex(/^\w+$/, 'must be letters, digits or _ (an OAR/unix login)');

const userSchema = z.object({
  name: login,
  password: z
    .string()
    .regex(/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/, 'must be a bcrypt hash, e.g. from `htpasswd -nbB name password`'),
  roles: z.array(z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` })).min(1, 'needs at least one role'),
  oarLogin: login.optional(),
});

const fileSchema = z.object({ users: z.array(userSchema) }).strict();

export type UserRecord = z.infer<typeof userSchema>;

export class UsersFileError extends Error {
  override name = 'UsersFileError';
}

/**
 * Parses and validates the users YAML file. Error messages name the path at fault
 * (e.g. `users.1.password: must be a bcrypt hash …`) and never quote the file's content.
 */
export function parseUsersFile(text: string): UserRecord[] {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    // yaml's message carries a code frame of the file (password hashes): keep only its first line.
    throw new UsersFileError(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    throw new UsersFileError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; '),
    );
  }
  const names = new Set<string>();
  for (const user of parsed.data.users) {
    if (names.has(user.name)) throw new UsersFileError(`users: name "${user.name}" appears twice`);
    names.add(user.name);
  }
  return parsed.data.users;
}

import { parseUsersFile, UsersFileError } from './users-file';

const HASH = '$2y$05$abcdefghijklmnopqrstuuQ3VQ9e1V8lq5Yq1V2C8lXJ3s0q2VZ3e'; // htpasswd -nbB style

describe('parseUsersFile', () => {
  it('reads users with roles and an optional OAR login, accepting $2y$ hashes', () => {
    const users = parseUsersFile(
      `users:\n  - { name: alice, password: "${HASH}", roles: [user] }\n  - { name: root, password: "${HASH}", roles: [admin], oarLogin: bob }\n`,
    );
    expect(users).toEqual([
      { name: 'alice', password: HASH, roles: ['user'] },
      { name: 'root', password: HASH, roles: ['admin'], oarLogin: 'bob' },
    ]);
  });

  it.each([
    [`users:\n  - { name: alice, password: plain, roles: [user] }`, /^users\.0\.password: must be a bcrypt hash/],
    [
      `users:\n  - { name: alice, password: "${HASH}", roles: [root] }`,
      /^users\.0\.roles\.0: must be one of viewer, user, admin/,
    ],
    [
      `users:\n  - { name: "a b", password: "${HASH}", roles: [user] }`,
      /^users\.0\.name: must be letters, digits or _/,
    ],
    [`users:\n  - { name: a, password: "${HASH}", roles: [] }`, /^users\.0\.roles: needs at least one role/],
    [`users:\n  - { name: a, password: "${HASH}", roles: [user], oarLogin: "x;y" }`, /^users\.0\.oarLogin: must be/],
    [
      `users:\n  - { name: a, password: "${HASH}", roles: [user] }\n  - { name: a, password: "${HASH}", roles: [admin] }`,
      /name "a" appears twice/,
    ],
    [`people: []`, /users: /],
    [`users: [ {`, /^not valid YAML: /],
  ])('rejects a bad file naming the field (%#)', (text, message) => {
    expect(() => parseUsersFile(text)).toThrow(UsersFileError);
    expect(() => parseUsersFile(text)).toThrow(message);
  });

  it('never quotes the file (its hashes) in a YAML error', () => {
    expect(() => parseUsersFile(`users:\n  - { name: a, password: "${HASH}", roles: [user] \n bad: [`)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(HASH) }),
    );
  });
});

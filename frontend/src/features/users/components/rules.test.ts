import { describe, expect, it } from 'vitest';
import { validUserName } from '@/features/users/components/rules';

// The same cases as the server's TestValidUserName.
describe('validUserName', () => {
  it.each([
    ['alice', true],
    ['al', true],
    ['alice.smith_2-x', true],
    ['alice@example.com', true],
    ['Zoë', true],
    ['a', false],
    ['', false],
    ['1alice', false],
    ['_alice', false],
    ['a@b@c', false],
    ['alice smith', false],
    ['alice/x', false],
    ['alice+x', false],
  ])('validUserName(%j) = %s', (name, want) => {
    expect(validUserName(name)).toBe(want);
  });
});

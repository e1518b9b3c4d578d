import { describe, expect, it } from 'vitest';
import { parseTags, registrationIdFrom, validMachineName, validTag } from '@/features/machines/components/rules';

describe('validMachineName', () => {
  it.each([
    ['laptop', true],
    ['a', true],
    ['Web-01', true],
    ['x'.repeat(63), true],
    ['x'.repeat(64), false],
    ['', false],
    ['-laptop', false],
    ['laptop-', false],
    ['my_laptop', false],
    ['my.laptop', false],
    ['zoë', false],
  ])('validMachineName(%j) = %s', (name, want) => {
    expect(validMachineName(name)).toBe(want);
  });
});

describe('tags', () => {
  it('splits at commas and spaces and checks the form', () => {
    expect(parseTags(' tag:a, tag:b  tag:a,')).toEqual(['tag:a', 'tag:b']);
    expect(validTag('tag:web')).toBe(true);
    expect(validTag('tag:Web')).toBe(false);
    expect(validTag('web')).toBe(false);
    expect(validTag('tag:')).toBe(false);
  });
});

describe('registrationIdFrom', () => {
  it.each([
    ['hskey-authreq-AbCdEfGhIjKlMnOpQrStUvWx', 'hskey-authreq-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['  https://hs.example.com/register/hskey-authreq-Ab_-Cd  ', 'hskey-authreq-Ab_-Cd'],
    ['https://hs.example.com/register/legacyid123', 'legacyid123'],
    ['legacyid123', 'legacyid123'],
  ])('registrationIdFrom(%j) = %j', (text, want) => {
    expect(registrationIdFrom(text)).toBe(want);
  });
});

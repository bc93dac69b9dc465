import { describe, expect, it } from 'vitest';
import { idCheckChar } from './identity.ts';
import { maskNumbersInText } from './mask.ts';

const id = (first17: string) => first17 + idCheckChar(first17);

describe('numbers typed into free text', () => {
  it('mobile numbers are masked however they are written: plain, with +86, 0086 or 86 in front, with dashes or spaces', () => {
    const { text, phones } = maskNumbersInText(
      '请打我 13812345671，或者 +8615012345672、139-1234-5678、0086 186 1234 5678、8613912345670',
    );
    expect(text).toBe('请打我 138****5671，或者 150****5672、139****5678、186****5678、139****5670');
    expect(phones).toEqual(['13812345671', '15012345672', '13912345678', '18612345678', '13912345670']);
  });

  it('a valid ID number is masked whole or grouped; other long numbers are left as they are', () => {
    const valid = id('41132119851111333');
    const grouped = `${valid.slice(0, 6)} ${valid.slice(6, 14)} ${valid.slice(14)}`;
    const wrong = `${valid.slice(0, 17)}${valid[17] === '0' ? '1' : '0'}`;
    const { text } = maskNumbersInText(
      `身份证 ${valid}，又写作 ${grouped}；金额 100000000000，编号 12345678901，单号 ${wrong}`,
    );
    expect(text).not.toContain(valid);
    expect(text).not.toContain(grouped);
    expect(text).toContain('4113**********');
    expect(text).toContain('100000000000');
    expect(text).toContain('12345678901');
    expect(text).toContain(wrong);
  });
});

import { describe, expect, it } from 'vitest';
import { shortLabel } from './labels';

describe('short labels of the link network', () => {
  it('drop the township and the kind that every organization of a township shares, and keep what tells them apart', () => {
    expect(shortLabel('乔端镇西庄村服务临时党支部', 'org')).toBe('西庄村服务');
    expect(shortLabel('乔端镇白河新村联建临时党支部', 'org')).toBe('白河新村联建');
    expect(shortLabel('县酵素产业临时党支部', 'org')).toBe('县酵素产业');
  });

  it("keep the township's own general branch recognisable", () => {
    expect(shortLabel('乔端镇临时党总支', 'org')).toBe('乔端镇');
  });

  it('name units without their township, members as they are, and cut a long label with an ellipsis', () => {
    expect(shortLabel('乔端镇供电所', 'unit')).toBe('供电所');
    expect(shortLabel('南召县林业局', 'unit')).toBe('南召县林业局');
    expect(shortLabel('张伟', 'member')).toBe('张伟');
    expect(shortLabel('乔端镇宝天曼生态旅游开发有限公司', 'unit')).toBe('宝天曼生态旅游开发…');
  });
});

/** Deterministic PRNG (mulberry32), so the demo county is the same on every machine. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔贺赖文'.split(
    '',
  );
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红林文斌海波辉鹏飞宇浩然俊峰丹凤梅琳雪亮成新春雨晨阳光荣彬凯宁婷颖鑫瑞祥佳欣慧莉婧倩振东永福德胜学民利清泉山河松柏军保安长喜'.split(
    '',
  );

/** A generated Chinese name; no real person's data. */
export function personName(r: Rng): string {
  const given = r.chance(0.7) ? r.pick(GIVEN) + r.pick(GIVEN) : r.pick(GIVEN);
  return r.pick(SURNAMES) + given;
}

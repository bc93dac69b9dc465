import i18n from 'i18next';
import type { Locale as AntdLocale } from 'antd/es/locale';
import zhCNAntd from 'antd/locale/zh_CN';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN';

export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('lj.locale') : null;

// Chinese is built in; English, the second locale, is loaded when it is first chosen.
void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN } },
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

// antd's own texts (pagination, pickers, empty states) follow the same locale, and load with it.
const antdLocales: Partial<Record<Locale, AntdLocale>> = { 'zh-CN': zhCNAntd };

/** antd's texts for the language in use (Chinese until English has loaded). */
export function antdLocale(language: string): AntdLocale {
  return antdLocales[language as Locale] ?? zhCNAntd;
}

async function load(locale: Locale) {
  if (locale === 'en-US' && !i18n.hasResourceBundle('en-US', 'translation')) {
    const [{ enUS }, antd, { problemsEn }] = await Promise.all([
      import('./en-US'),
      import('antd/locale/en_US'),
      import('./problems-en'),
    ]);
    antdLocales['en-US'] = antd.default;
    i18n.addResourceBundle('en-US', 'translation', enUS);
    // A problem's sentence by its code (components/errorText.ts); Chinese screens show the server's own detail.
    i18n.addResourceBundle('en-US', 'problems', problemsEn);
  }
}

export async function setLocale(locale: Locale) {
  localStorage.setItem('lj.locale', locale);
  await load(locale);
  await i18n.changeLanguage(locale);
  document.documentElement.lang = locale;
}

if (stored === 'en-US') void setLocale('en-US');

export default i18n;

import i18n from 'i18next';
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

async function load(locale: Locale) {
  if (locale === 'en-US' && !i18n.hasResourceBundle('en-US', 'translation')) {
    const { enUS } = await import('./en-US');
    i18n.addResourceBundle('en-US', 'translation', enUS);
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

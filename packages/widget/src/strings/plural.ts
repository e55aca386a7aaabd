/** A message in each plural category a language has (`other` is required); `#` stands for the count. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const rules = new Map<string, Intl.PluralRules>();

/**
 * The form of `forms` that the language's plural rules (`Intl.PluralRules`, CLDR) pick for
 * `count`, with `#` replaced by the count as the language writes numbers. Arabic has six
 * categories (zero, one, two, few, many, other), English two, Japanese one.
 *
 * @example plural('ar', 3, { zero: '…', one: '…', two: '…', few: '# رسائل', many: '…', other: '…' })
 */
export function plural(lang: string, count: number, forms: PluralForms): string {
  let rule = rules.get(lang);
  if (!rule) rules.set(lang, (rule = new Intl.PluralRules(lang)));
  return (forms[rule.select(count)] ?? forms.other).replace('#', count.toLocaleString(lang));
}

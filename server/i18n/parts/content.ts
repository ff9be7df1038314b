/** Messages of the content area, Vietnamese first; English has exactly the same keys. */
export const vi = {
} satisfies Record<string, string>;

export const en: Record<keyof typeof vi, string> = {
};

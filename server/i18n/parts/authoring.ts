/** Messages of the authoring area, Vietnamese first; English has exactly the same keys. */
export const vi = {
} satisfies Record<string, string>;

export const en: Record<keyof typeof vi, string> = {
};

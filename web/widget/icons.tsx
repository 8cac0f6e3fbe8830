// Small inline icons (paths after Lucide, ISC licence): cheaper than any icon package here.
type Props = { d: string; size?: number };

function Icon({ d, size = 20 }: Props) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={d} />
    </svg>
  );
}

export const SendIcon = () => <Icon d="M22 2 11 13M22 2l-7 20-4-9-9-4z" />;
export const ClipIcon = () => (
  <Icon d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l8.57-8.57A4 4 0 1 1 18 8.84l-8.59 8.57a2 2 0 0 1-2.83-2.83l8.49-8.48" />
);
export const MinimiseIcon = () => <Icon d="m6 9 6 6 6-6" />;
export const BellIcon = () => (
  <Icon d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" size={18} />
);
export const MoonIcon = () => <Icon d="M12 3a6 6 0 0 0 9 9 9 9 0 1 1-9-9z" size={18} />;
export const FileIcon = () => (
  <Icon
    d="M14.5 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V7.5L14.5 2zM14 2v6h6"
    size={16}
  />
);

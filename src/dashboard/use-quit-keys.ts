import { useInput, useStdin } from 'ink';

/** useQuitKeys calls `onQuit` on `q` or Ctrl-C (raw mode swallows SIGINT, so Ctrl-C arrives as a key). */
export function useQuitKeys(onQuit: () => void): void {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (input === 'q' || input === 'Q' || (key.ctrl && input === 'c')) onQuit();
    },
    { isActive: isRawModeSupported === true },
  );
}

import { createContext, useContext, type ReactNode } from 'react';
import { Text } from 'ink';

/** Tone is what a piece of text means; the palette turns it into colour (or nothing under NO_COLOR). */
export type Tone = 'plain' | 'good' | 'warn' | 'bad' | 'dim' | 'strong' | 'accent';

/** ColorContext says whether the dashboard may use colour and text styles. */
export const ColorContext = createContext<boolean>(true);

interface PaintProps {
  tone?: Tone;
  /** dim fades the text (exited pods) on top of its tone. */
  dim?: boolean;
  children?: ReactNode;
}

/** Paint renders one run of text in a tone; with colour off it is plain text. */
export function Paint({ tone = 'plain', dim = false, children }: PaintProps) {
  const color = useContext(ColorContext);
  if (!color) return <Text>{children}</Text>;
  switch (tone) {
    case 'good':
      return (
        <Text color="green" dimColor={dim}>
          {children}
        </Text>
      );
    case 'warn':
      return (
        <Text color="yellow" dimColor={dim}>
          {children}
        </Text>
      );
    case 'bad':
      return (
        <Text color="red" dimColor={dim}>
          {children}
        </Text>
      );
    case 'dim':
      return <Text dimColor>{children}</Text>;
    case 'strong':
      return (
        <Text bold dimColor={dim}>
          {children}
        </Text>
      );
    case 'accent':
      return (
        <Text color="cyan" dimColor={dim}>
          {children}
        </Text>
      );
    default:
      return <Text dimColor={dim}>{children}</Text>;
  }
}

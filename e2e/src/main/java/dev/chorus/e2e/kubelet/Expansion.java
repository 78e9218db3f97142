package dev.chorus.e2e.kubelet;

import java.util.List;
import java.util.Map;

/**
 * Kubernetes' {@code $(VAR)} expansion for env values, command and args (a port of
 * third_party/forked/golang/expansion): {@code $(NAME)} becomes the variable's value when defined and stays
 * {@code $(NAME)} otherwise, {@code $$} is an escaped {@code $}, any other {@code $} is literal.
 */
public final class Expansion {
    private Expansion() {
    }

    public static List<String> expand(List<String> inputs, Map<String, String> vars) {
        return inputs.stream().map(s -> expand(s, vars)).toList();
    }

    public static String expand(String input, Map<String, String> vars) {
        StringBuilder out = new StringBuilder();
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.length(); cursor++) {
            if (input.charAt(cursor) == '$' && cursor + 1 < input.length()) {
                out.append(input, checkpoint, cursor);
                String rest = input.substring(cursor + 1);
                int advance;
                char c = rest.charAt(0);
                if (c == '$') {
                    out.append('$');
                    advance = 1;
                } else if (c == '(') {
                    int close = rest.indexOf(')', 1);
                    if (close > 0) {
                        String name = rest.substring(1, close);
                        String value = vars.get(name);
                        out.append(value != null ? value : "$(" + name + ")");
                        advance = close + 1;
                    } else {
                        out.append("$(");
                        advance = 1;
                    }
                } else {
                    out.append('$').append(c);
                    advance = 1;
                }
                cursor += advance;
                checkpoint = cursor + 1;
            }
        }
        return out.append(input.substring(Math.min(checkpoint, input.length()))).toString();
    }
}

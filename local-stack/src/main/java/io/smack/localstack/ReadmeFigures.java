package io.smack.localstack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the READMEs' rendered tables share (the benchmark tables of {@code bin/smack bench
 * --render}, the fault table of {@code bin/smack chaos}): a table sits between a start marker
 * naming it and {@value #END}, and names the commit whose run produced it.
 */
public final class ReadmeFigures {

  public static final String END = "<!-- /figures -->";

  private ReadmeFigures() {}

  /** {@code text} with the lines between {@code start} and the next {@value #END} replaced. */
  public static String replace(String text, String start, String rendered) {
    int from = text.indexOf(start);
    int to = text.indexOf(END, from);
    if (from < 0 || to < 0) {
      throw new IllegalStateException(
          "no '" + start + "' … '" + END + "' in the README to render the figures into");
    }
    return text.substring(0, from + start.length()) + "\n" + rendered + text.substring(to);
  }

  /** The commit checked out, with "+changes" when the work tree differs from it. */
  public static String commit() {
    try {
      String head = git("rev-parse", "--short=12", "HEAD");
      String changes = git("status", "--porcelain", "--untracked-files=no");
      return head.isEmpty() ? "unknown" : changes.isEmpty() ? head : head + "+changes";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String git(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(git.getInputStream().readAllBytes()).strip();
    return git.waitFor() == 0 ? out : "";
  }
}

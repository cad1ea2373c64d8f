package io.smack.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The access benchmark's baseline: Pekko HTTP, the same routing DSL and JVM settings as the access
 * service, answering {@code GET /N} with the constant bytes of file N (the service's own responses,
 * saved by the benchmark), so that the two differ only in the work behind the response.
 *
 * <pre>BareJsonServer PORT FILE...</pre>
 */
public final class BareJsonServer extends AllDirectives {

  private BareJsonServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    BareJsonServer server = new BareJsonServer();
    Route[] routes = new Route[args.length - 1];
    for (int i = 1; i < args.length; i++) {
      byte[] body = Files.readAllBytes(Path.of(args[i]));
      routes[i - 1] =
          server.path(
              String.valueOf(i),
              () ->
                  server.get(
                      () ->
                          server.complete(
                              HttpEntities.create(ContentTypes.APPLICATION_JSON, body))));
    }
    ActorSystem system = ActorSystem.create("bare");
    Http.get(system)
        .newServerAt("127.0.0.1", port)
        .bind(server.concat(routes[0], Arrays.copyOfRange(routes, 1, routes.length)));
  }
}

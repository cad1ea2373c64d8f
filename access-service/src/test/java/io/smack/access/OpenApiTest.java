package io.smack.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.smack.common.AccessServices;
import io.smack.common.SymbolCorpus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps {@code /openapi.json} true: the paths, methods and parameters it names are the routes'. */
class OpenApiTest {

  private static JsonNode spec;

  @BeforeAll
  static void start() {
    AccessRoutesTest.start();
    spec = AccessRoutesTest.get(AccessRoutesTest.openRoutes(), "/openapi.json").json();
  }

  @AfterAll
  static void stop() {
    AccessRoutesTest.stop();
  }

  @Test
  void should_document_the_symbol_pattern_the_service_applies() {
    // given every {symbol} parameter's documented pattern
    List<Pattern> documented = new ArrayList<>();
    spec.get("paths")
        .forEach(
            path ->
                path.get("get")
                    .get("parameters")
                    .forEach(
                        p -> {
                          if (p.get("name").asText().equals("symbol")) {
                            documented.add(
                                Pattern.compile(p.get("schema").get("pattern").asText()));
                          }
                        }));
    assertThat(documented).hasSize((int) symbolEndpoints());

    // then each accepts exactly the symbols the service accepts, over strings of allowed and
    // refused characters of every length around the limit
    for (String text : SymbolCorpus.of(7, 20_000)) {
      for (Pattern pattern : documented) {
        assertThat(pattern.matcher(text).find())
            .as("'%s' against %s", text, pattern)
            .isEqualTo(accepted(text));
      }
    }
  }

  private static boolean accepted(String symbol) {
    try {
      RequestParameters.symbol(symbol);
      return true;
    } catch (ApiException e) {
      return false;
    }
  }

  private static long symbolEndpoints() {
    return Arrays.stream(Endpoint.values()).filter(e -> e.template().contains("{symbol}")).count();
  }

  @Test
  void should_describe_exactly_the_endpoints_of_the_service() {
    List<String> described = new ArrayList<>();
    spec.get("paths").fieldNames().forEachRemaining(described::add);
    assertThat(described)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Endpoint.values()).map(Endpoint::template).toList());
  }

  @Test
  void should_give_each_endpoint_its_method_query_parameters_and_security() {
    for (Endpoint endpoint : Endpoint.values()) {
      JsonNode path = spec.get("paths").get(endpoint.template());
      List<String> methods = new ArrayList<>();
      path.fieldNames().forEachRemaining(methods::add);
      assertThat(methods).as(endpoint.template()).containsExactly("get");
      List<String> query = new ArrayList<>();
      List<String> inPath = new ArrayList<>();
      path.get("get")
          .get("parameters")
          .forEach(
              p ->
                  (p.get("in").asText().equals("query") ? query : inPath)
                      .add(p.get("name").asText()));
      assertThat(query).as(endpoint.template()).containsExactlyElementsOf(endpoint.parameters());
      assertThat(inPath)
          .as(endpoint.template())
          .containsExactlyElementsOf(
              endpoint.template().contains("{symbol}")
                  ? List.of("symbol")
                  : endpoint.template().contains("{file}") ? List.of("file") : List.of());
      boolean open = path.get("get").has("security") && path.get("get").get("security").isEmpty();
      assertThat(open).as(endpoint.template()).isEqualTo(!endpoint.authenticated());
      assertThat(path.get("get").get("responses").has("200")).isTrue();
    }
  }

  @Test
  void should_tag_each_endpoint_with_its_family_and_name_the_service_that_serves_it() {
    for (Endpoint endpoint : Endpoint.values()) {
      JsonNode tags = spec.get("paths").get(endpoint.template()).get("get").get("tags");
      assertThat(tags.size()).as(endpoint.template()).isEqualTo(1);
      assertThat(tags.get(0).asText())
          .as(endpoint.template())
          .isEqualTo(endpoint.view().map(View::setting).orElse("instance"));
    }
    for (View view : View.values()) {
      String service = AccessServices.serving(view.setting()).orElseThrow().name();
      assertThat(spec.get("tags"))
          .anySatisfy(
              tag -> {
                assertThat(tag.get("name").asText()).isEqualTo(view.setting());
                assertThat(tag.get("description").asText()).contains("Served by " + service);
              });
    }
  }

  @Test
  void should_give_each_family_to_one_service_that_serves_it() {
    for (View view : View.values()) {
      assertThat(
              AccessServices.ALL.stream()
                  .filter(s -> s.views().contains(view.setting()))
                  .map(AccessServices.Service::name))
          .as(view.setting())
          .hasSize(1);
    }
    for (AccessServices.Service service : AccessServices.ALL) {
      assertThat(View.names(View.parse(service.setting()))).isEqualTo(service.setting());
    }
    // the one without a route takes the rest: the page at / among it
    assertThat(AccessServices.ALL.stream().filter(s -> s.route().isEmpty()))
        .singleElement()
        .satisfies(s -> assertThat(s.views()).contains(View.PAGE.setting()));
  }

  @Test
  void should_give_what_client_generators_and_linters_expect() {
    // a server, relative so that the document holds wherever the service is reached
    assertThat(spec.get("servers").get(0).get("url").asText()).isEqualTo("/");
    List<String> ids = new ArrayList<>();
    spec.get("paths")
        .fields()
        .forEachRemaining(
            path -> {
              JsonNode get = path.getValue().get("get");
              ids.add(get.path("operationId").asText(""));
              List<String> codes = new ArrayList<>();
              get.get("responses").fieldNames().forEachRemaining(codes::add);
              assertThat(codes).as(path.getKey()).anyMatch(code -> code.startsWith("4"));
            });
    assertThat(ids).doesNotContain("").doesNotHaveDuplicates();
  }

  @Test
  void should_route_every_described_path() {
    spec.get("paths")
        .fieldNames()
        .forEachRemaining(
            template -> {
              String uri = template.replace("{symbol}", "AAPL").replace("{file}", "vega.min.js");
              AccessRoutesTest.Answer answer =
                  AccessRoutesTest.get(AccessRoutesTest.openRoutes(), uri);
              assertThat(answer.status()).as(uri).isIn(200, 503);
            });
  }
}

package io.smack.access;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.ResponseEntity;

/**
 * The one JSON mapping of the service: records as objects, instants as ISO-8601 UTC text with
 * exactly three fraction digits ({@code 2026-11-23T14:30:06.000Z}), so that they sort as strings:
 * Cassandra keeps milliseconds, and Jackson's default drops zero fractions ({@code …:06Z}, which
 * sorts after {@code …:06.040Z}).
 */
final class Json {

  /** How every instant of the API is written. */
  static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(
              new JavaTimeModule().addSerializer(Instant.class, new InstantSerializer()))
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private static final class InstantSerializer extends StdSerializer<Instant> {

    InstantSerializer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator out, SerializerProvider provider)
        throws IOException {
      out.writeString(INSTANT.format(value));
    }
  }

  private Json() {}

  /** Pekko HTTP's Jackson marshaller with this mapping. */
  static <T> Marshaller<T, RequestEntity> marshaller() {
    return Jackson.marshaller(MAPPER);
  }

  /** A JSON entity, for responses built outside a route (errors, timeouts). */
  static ResponseEntity entity(Object value) {
    try {
      return HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a value that cannot be written as JSON: " + value, e);
    }
  }
}

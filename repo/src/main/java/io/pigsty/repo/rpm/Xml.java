package io.pigsty.repo.rpm;

import java.io.InputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** Shared StAX setup: no DTDs, no external entities. */
final class Xml {
  private static final XMLInputFactory FACTORY = createFactory();

  private Xml() {}

  private static XMLInputFactory createFactory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    return f;
  }

  static XMLStreamReader reader(InputStream in) throws XMLStreamException {
    synchronized (FACTORY) {
      return FACTORY.createXMLStreamReader(in);
    }
  }
}

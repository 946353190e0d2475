/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import javax.xml.XMLConstants;

import org.eclipse.emf.common.util.TreeIterator;
import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EReference;
import org.eclipse.emf.ecore.impl.EPackageRegistryImpl;
import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.emf.ecore.resource.ResourceSet;
import org.eclipse.emf.ecore.resource.impl.ExtensibleURIConverterImpl;
import org.eclipse.emf.ecore.resource.impl.ResourceSetImpl;
import org.eclipse.emf.ecore.xmi.PackageNotFoundException;
import org.eclipse.emf.ecore.xmi.XMIException;
import org.eclipse.emf.ecore.xmi.XMLResource;
import org.eclipse.emf.ecore.xmi.impl.XMIResourceImpl;
import org.tdpscope.model.ModelPackage;
import org.tdpscope.model.Run;
import org.xml.sax.SAXParseException;

/**
 * Saves and loads a {@link Run} as XMI. Saves are atomic. Loads read the one file and nothing else:
 * the SAX parser refuses any DOCTYPE (so no external entities and no entity expansion), the resource
 * set has only this model's package and a URI converter that opens no URI, and references to other
 * files are reported instead of resolved. Every failure is a {@link ModelLoadException} naming the
 * file and, where the parser knows it, the line and column.
 */
public final class RunStore {

    /** The file extension of saved runs. */
    public static final String EXTENSION = "tdprun";

    private RunStore() {
    }

    // ------------------------------------------------------------------------------------------ save

    /** Writes {@code run} (with everything it contains) to {@code file}, all or nothing. */
    public static void saveXmi(Run run, Path file) throws IOException {
        AtomicFiles.write(file, out -> saveXmi(run, out));
    }

    /** Writes {@code run} as XMI to a stream. The run stays where it was (its resource, if any, is untouched). */
    public static void saveXmi(Run run, OutputStream out) throws IOException {
        Resource own = run.eResource();
        if (own != null && own.getContents().size() == 1) {
            own.save(out, saveOptions());
            return;
        }
        XMIResourceImpl res = new XMIResourceImpl(URI.createURI("run." + EXTENSION));
        EObject container = run.eContainer();
        if (container != null || own != null) {
            throw new IOException("the run is contained in another object or resource; save that instead");
        }
        res.getContents().add(run);
        try {
            res.save(out, saveOptions());
        } finally {
            res.getContents().remove(run);
        }
    }

    private static Map<Object, Object> saveOptions() {
        Map<Object, Object> o = new HashMap<>();
        o.put(XMLResource.OPTION_ENCODING, "UTF-8");
        o.put(XMLResource.OPTION_LINE_WIDTH, 120);
        o.put(XMLResource.OPTION_SCHEMA_LOCATION, Boolean.FALSE);
        return o;
    }

    // ------------------------------------------------------------------------------------------ load

    /** Reads a run saved by {@link #saveXmi(Run, Path)}. The run is the only content of a fresh resource. */
    public static Run loadXmi(Path file) throws ModelLoadException {
        ResourceSet rs = isolatedResourceSet();
        XMIResourceImpl res = new XMIResourceImpl(URI.createFileURI(file.toAbsolutePath().toString()));
        rs.getResources().add(res);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            res.load(in, loadOptions());
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, -1, -1, "no such file");
        } catch (AccessDeniedException e) {
            throw new ModelLoadException(file, -1, -1, "permission denied");
        } catch (IOException | RuntimeException e) {
            throw describe(file, e);
        }
        if (!res.getErrors().isEmpty()) {
            Resource.Diagnostic d = res.getErrors().get(0);
            if (d instanceof Throwable t) {
                throw describe(file, t);
            }
            throw new ModelLoadException(file, d.getLine(), d.getColumn(), "invalid run file: " + stripLocation(d.getMessage()));
        }
        if (res.getContents().isEmpty()) {
            throw new ModelLoadException(file, -1, -1, "the file holds no run");
        }
        EObject top = res.getContents().get(0);
        if (!(top instanceof Run run) || res.getContents().size() != 1) {
            throw new ModelLoadException(file, -1, -1, "not a TDP Scope run: the top element is "
                    + top.eClass().getName() + (res.getContents().size() > 1 ? " (and there are several)" : ""));
        }
        checkNoOutsideReferences(file, run);
        return run;
    }

    /** Only this model's package; a converter that opens nothing (so no package, DTD or href is fetched). */
    private static ResourceSet isolatedResourceSet() {
        ResourceSetImpl rs = new ResourceSetImpl();
        EPackageRegistryImpl packages = new EPackageRegistryImpl();
        packages.put(ModelPackage.eNS_URI, ModelPackage.eINSTANCE);
        rs.setPackageRegistry(packages);
        rs.setURIConverter(new ExtensibleURIConverterImpl() {
            @Override
            public InputStream createInputStream(URI uri, Map<?, ?> options) throws IOException {
                throw new IOException("refused to read " + uri + ": a run file may not refer to other files");
            }

            @Override
            public OutputStream createOutputStream(URI uri, Map<?, ?> options) throws IOException {
                throw new IOException("refused to write " + uri);
            }
        });
        return rs;
    }

    private static Map<Object, Object> loadOptions() {
        Map<String, Boolean> features = new HashMap<>();
        // No DOCTYPE at all: no external entities (XXE), no internal entity expansion (billion laughs).
        features.put("http://apache.org/xml/features/disallow-doctype-decl", Boolean.TRUE);
        features.put("http://xml.org/sax/features/external-general-entities", Boolean.FALSE);
        features.put("http://xml.org/sax/features/external-parameter-entities", Boolean.FALSE);
        features.put("http://apache.org/xml/features/nonvalidating/load-external-dtd", Boolean.FALSE);
        features.put(XMLConstants.FEATURE_SECURE_PROCESSING, Boolean.TRUE);
        Map<Object, Object> o = new HashMap<>();
        o.put(XMLResource.OPTION_PARSER_FEATURES, features);
        o.put(XMLResource.OPTION_RECORD_UNKNOWN_FEATURE, Boolean.FALSE);
        o.put(XMLResource.OPTION_DEFER_IDREF_RESOLUTION, Boolean.TRUE);
        o.put(XMLResource.OPTION_ENCODING, "UTF-8");
        return o;
    }

    /** Every non-containment reference must point into this file (hrefs to other files stay unresolved proxies). */
    private static void checkNoOutsideReferences(Path file, Run run) throws ModelLoadException {
        for (TreeIterator<EObject> it = run.eAllContents(); it.hasNext();) {
            check(file, it.next());
        }
        check(file, run);
    }

    private static void check(Path file, EObject o) throws ModelLoadException {
        for (EReference r : o.eClass().getEAllReferences()) {
            if (r.isContainment() || r.isContainer() || r.isDerived() || r.isTransient()) {
                continue;
            }
            Object v = o.eGet(r, false);
            if (v instanceof Iterable<?> many) {
                for (Iterator<?> i = ((org.eclipse.emf.ecore.util.InternalEList<?>) many).basicIterator(); i.hasNext();) {
                    checkTarget(file, o, r, i.next());
                }
            } else {
                checkTarget(file, o, r, v);
            }
        }
    }

    private static void checkTarget(Path file, EObject o, EReference r, Object target) throws ModelLoadException {
        if (target instanceof EObject t && (t.eIsProxy() || t.eResource() != o.eResource())) {
            String where = t.eIsProxy() ? String.valueOf(((org.eclipse.emf.ecore.InternalEObject) t).eProxyURI())
                    : "another resource";
            throw new ModelLoadException(file, -1, -1, o.eClass().getName() + "." + r.getName() + " refers outside the file ("
                    + where + "); a run file must be self-contained");
        }
    }

    // ------------------------------------------------------------------------------------------ messages

    /** Turns whatever EMF or SAX threw into a message with the file, line and column. */
    static ModelLoadException describe(Path file, Throwable e) {
        SAXParseException sax = null;
        Resource.Diagnostic diag = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SAXParseException s && sax == null) {
                sax = s;
            }
            if (t instanceof Resource.Diagnostic d && diag == null) {
                diag = d;
            }
        }
        if (sax != null) {
            return new ModelLoadException(file, sax.getLineNumber(), sax.getColumnNumber(), saxReason(sax.getMessage()));
        }
        if (diag instanceof PackageNotFoundException p) {
            return new ModelLoadException(file, p.getLine(), p.getColumn(), "wrong model version or not a TDP Scope run: the file uses namespace '"
                    + p.uri() + "', this build reads '" + ModelPackage.eNS_URI + "'");
        }
        if (diag != null) {
            String msg = diag.getMessage();
            if (diag instanceof XMIException x && x.getCause() != null && x.getCause().getMessage() != null
                    && (msg == null || msg.isBlank())) {
                msg = x.getCause().getMessage();
            }
            return new ModelLoadException(file, diag.getLine(), diag.getColumn(), "invalid run file: " + stripLocation(msg));
        }
        String msg = e.getMessage();
        return new ModelLoadException(file, -1, -1, "cannot load: " + (msg == null ? e.getClass().getSimpleName() : msg));
    }

    private static String saxReason(String m) {
        if (m == null) {
            return "malformed XML";
        }
        if (m.contains("DOCTYPE is disallowed")) {
            return "a DOCTYPE declaration is not allowed in a run file (DTDs and entities are refused, nothing was read)";
        }
        if (m.contains("Premature end of file")) {
            return "the file is empty or ends before the XML document starts (truncated?)";
        }
        if (m.contains("must start and end within the same entity") || m.contains("must be terminated by the matching end-tag")
                && m.contains("\"\"")) {
            return "the file ends inside the XML document (truncated?)";
        }
        return "malformed XML: " + m;
    }

    /** EMF diagnostics repeat the location as "(file, line, col)"; the exception already carries it. */
    private static String stripLocation(String msg) {
        if (msg == null) {
            return "unknown error";
        }
        int i = msg.lastIndexOf(" (");
        if (i > 0 && msg.endsWith(")") && msg.substring(i).matches(" \\(.*, \\d+, \\d+\\)")) {
            return msg.substring(0, i);
        }
        return msg;
    }
}

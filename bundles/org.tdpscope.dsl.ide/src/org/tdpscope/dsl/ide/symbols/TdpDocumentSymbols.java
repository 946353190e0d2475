/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.symbols;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.nodemodel.ICompositeNode;
import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.util.NodeModelUtils;
import org.eclipse.xtext.resource.XtextResource;
import org.tdpscope.dsl.tdp.Expect;
import org.tdpscope.dsl.tdp.Expectation;
import org.tdpscope.dsl.tdp.Explore;
import org.tdpscope.dsl.tdp.ExploreItem;
import org.tdpscope.dsl.tdp.GuestMaps;
import org.tdpscope.dsl.tdp.Invalidator;
import org.tdpscope.dsl.tdp.Mapping;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.Schedule;
import org.tdpscope.dsl.tdp.Step;
import org.tdpscope.dsl.tdp.TdpPackage;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.Threads;
import org.tdpscope.dsl.tdp.Vcpu;
import org.tdpscope.dsl.tdp.VcpuThread;
import org.tdpscope.dsl.tdp.Vm;
import org.tdpscope.dsl.tdp.VmItem;
import org.tdpscope.dsl.tdp.Walker;

/**
 * The outline of a scenario for the language server: a tree (the scenario; its vm, kernel,
 * policy, threads, schedule, explore and expect sections; their elements), each with a symbol
 * kind that says what it is:
 * <ul>
 * <li>the scenario: {@link SymbolKind#Module}; a section: {@link SymbolKind#Namespace};</li>
 * <li>a vCPU of the vm: {@link SymbolKind#Object}; a memslot (a range of guest frames):
 * {@link SymbolKind#Array}; the TDP, guest paging, host and VM type settings and guest
 * mappings: {@link SymbolKind#Property};</li>
 * <li>the kernel era: {@link SymbolKind#Constant}; the policy: {@link SymbolKind#EnumMember};</li>
 * <li>a thread (a vCPU's program, a walker, an invalidator): {@link SymbolKind#Function};</li>
 * <li>a schedule step: {@link SymbolKind#Event}; an explore bound or option:
 * {@link SymbolKind#Property}; an expectation (holds or not): {@link SymbolKind#Boolean}.</li>
 * </ul>
 * For a client without hierarchical symbol support the same elements come as a flat list, each
 * naming its container.
 */
public final class TdpDocumentSymbols {

    private TdpDocumentSymbols() {
    }

    /** The symbols of a document: a tree, or a flat list when {@code tree} is false. */
    public static List<Either<SymbolInformation, DocumentSymbol>> symbols(Document document, XtextResource resource,
            String uri, boolean tree) {
        List<Either<SymbolInformation, DocumentSymbol>> result = new ArrayList<>();
        if (document == null || resource == null || resource.getContents().isEmpty()
                || !(resource.getContents().get(0) instanceof Model model)) {
            return result;
        }
        DocumentSymbol root = new Builder(document).scenario(model);
        if (root == null) {
            return result;
        }
        if (tree) {
            result.add(Either.forRight(root));
        } else {
            flatten(root, null, uri, result);
        }
        return result;
    }

    private static void flatten(DocumentSymbol s, String container, String uri,
            List<Either<SymbolInformation, DocumentSymbol>> into) {
        SymbolInformation info = new SymbolInformation();
        info.setName(s.getName());
        info.setKind(s.getKind());
        info.setLocation(new Location(uri, s.getRange()));
        info.setContainerName(container);
        into.add(Either.forLeft(info));
        if (s.getChildren() != null) {
            for (DocumentSymbol c : s.getChildren()) {
                flatten(c, s.getName(), uri, into);
            }
        }
    }

    private static final class Builder {
        private final Document document;

        Builder(Document document) {
            this.document = document;
        }

        DocumentSymbol scenario(Model m) {
            List<DocumentSymbol> sections = new ArrayList<>();
            Vm vm = m.getVm();
            if (vm != null) {
                List<DocumentSymbol> items = new ArrayList<>();
                for (VmItem item : vm.getItems()) {
                    add(items, vmItem(item));
                }
                add(sections, symbol(vm, "vm", SymbolKind.Namespace, null, items));
            }
            if (m.getKernel() != null) {
                add(sections, symbol(m.getKernel(), text(m.getKernel()), SymbolKind.Constant, null, List.of()));
            }
            if (m.getPolicy() != null) {
                add(sections, symbol(m.getPolicy(), text(m.getPolicy()), SymbolKind.EnumMember, null, List.of()));
            }
            Threads threads = m.getThreads();
            if (threads != null) {
                List<DocumentSymbol> items = new ArrayList<>();
                for (ThreadDecl t : threads.getThreads()) {
                    add(items, thread(t));
                }
                add(sections, symbol(threads, "threads", SymbolKind.Namespace, null, items));
            }
            Schedule schedule = m.getSchedule();
            if (schedule != null) {
                List<DocumentSymbol> items = new ArrayList<>();
                for (Step s : schedule.getSteps()) {
                    add(items, symbol(s, text(s), SymbolKind.Event, null, List.of()));
                }
                add(sections, symbol(schedule, "schedule", SymbolKind.Namespace, null, items));
            }
            Explore explore = m.getExplore();
            if (explore != null) {
                List<DocumentSymbol> items = new ArrayList<>();
                for (ExploreItem i : explore.getItems()) {
                    add(items, symbol(i, text(i), SymbolKind.Property, null, List.of()));
                }
                add(sections, symbol(explore, "explore", SymbolKind.Namespace, null, items));
            }
            Expect expect = m.getExpect();
            if (expect != null) {
                List<DocumentSymbol> items = new ArrayList<>();
                for (Expectation e : expect.getItems()) {
                    add(items, symbol(e, text(e), SymbolKind.Boolean, null, List.of()));
                }
                add(sections, symbol(expect, "expect", SymbolKind.Namespace, null, items));
            }
            String title = m.getTitle() == null ? "scenario" : "scenario \"" + m.getTitle() + "\"";
            return symbol(m, title, SymbolKind.Module, null, sections);
        }

        private DocumentSymbol vmItem(VmItem item) {
            if (item instanceof Vcpu v) {
                String role = v.getRole() == null || v.getRole().getName() == null ? "default" : v.getRole().getName();
                return symbol(v, "vcpu " + v.getName(), SymbolKind.Object, "role " + role, List.of());
            }
            if (item instanceof Memslot s) {
                String t = text(s);
                int colon = t.indexOf(':');
                return symbol(s, "memslot " + s.getName(), SymbolKind.Array,
                        colon < 0 ? null : t.substring(colon + 1).trim(), List.of());
            }
            if (item instanceof GuestMaps g) {
                List<DocumentSymbol> maps = new ArrayList<>();
                for (Mapping map : g.getMaps()) {
                    add(maps, symbol(map, text(map), SymbolKind.Field, null, List.of()));
                }
                return symbol(g, "guest maps", SymbolKind.Property, null, maps);
            }
            return symbol(item, text(item), SymbolKind.Property, null, List.of());
        }

        private DocumentSymbol thread(ThreadDecl t) {
            String name;
            if (t instanceof VcpuThread v) {
                name = "vcpu " + featureText(v, TdpPackage.Literals.VCPU_THREAD__VCPU);
            } else if (t instanceof Walker w) {
                name = "walker " + w.getName();
            } else if (t instanceof Invalidator i) {
                name = "invalidator " + i.getName();
            } else {
                name = text(t);
            }
            String whole = text(t);
            int colon = whole.indexOf(':');
            return symbol(t, name, SymbolKind.Function, colon < 0 ? null : whole.substring(colon + 1).trim(),
                    List.of());
        }

        private static void add(List<DocumentSymbol> into, DocumentSymbol s) {
            if (s != null) {
                into.add(s);
            }
        }

        /** A symbol over the element's text, selecting its name (or its first line); null without text. */
        private DocumentSymbol symbol(EObject o, String name, SymbolKind kind, String detail,
                List<DocumentSymbol> children) {
            ICompositeNode node = NodeModelUtils.findActualNodeFor(o);
            if (node == null || node.getLength() == 0) {
                return null;
            }
            try {
                int start = node.getOffset();
                int end = node.getEndOffset();
                Range range = new Range(position(start), position(end));
                INode nameNode = nameNode(o);
                Range selection;
                if (nameNode != null && nameNode.getOffset() >= start && nameNode.getEndOffset() <= end) {
                    selection = new Range(position(nameNode.getOffset()), position(nameNode.getEndOffset()));
                } else {
                    String t = node.getText().substring(start - node.getTotalOffset());
                    int nl = t.indexOf('\n');
                    int firstLineEnd = nl < 0 ? end : Math.min(end, start + nl);
                    selection = new Range(position(start), position(firstLineEnd));
                }
                DocumentSymbol s = new DocumentSymbol();
                s.setName(name == null || name.isBlank() ? o.eClass().getName() : name);
                s.setKind(kind);
                s.setDetail(detail == null || detail.isBlank() ? null : detail);
                s.setRange(range);
                s.setSelectionRange(selection);
                s.setChildren(new ArrayList<>(children));
                return s;
            } catch (IndexOutOfBoundsException e) {
                return null;
            }
        }

        private Position position(int offset) {
            return document.getPosition(offset);
        }

        private static INode nameNode(EObject o) {
            EStructuralFeature f = o.eClass().getEStructuralFeature("name");
            if (f == null && o instanceof VcpuThread) {
                f = TdpPackage.Literals.VCPU_THREAD__VCPU;
            }
            if (f == null && o instanceof Model) {
                f = TdpPackage.Literals.MODEL__TITLE;
            }
            if (f == null) {
                return null;
            }
            List<INode> nodes = NodeModelUtils.findNodesForFeature(o, f);
            return nodes.isEmpty() ? null : nodes.get(0);
        }

        private static String featureText(EObject o, EStructuralFeature f) {
            List<INode> nodes = NodeModelUtils.findNodesForFeature(o, f);
            return nodes.isEmpty() ? "?" : NodeModelUtils.getTokenText(nodes.get(0)).trim();
        }
    }

    /** The element's source text on one line, without comments, shortened to 80 characters. */
    public static String text(EObject o) {
        return text(o, 80);
    }

    /** The element's source text on one line, without comments, shortened to {@code max} characters. */
    public static String text(EObject o, int max) {
        ICompositeNode n = NodeModelUtils.findActualNodeFor(o);
        if (n == null) {
            return o.eClass().getName();
        }
        String t = NodeModelUtils.getTokenText(n).replaceAll("\\s+", " ").trim();
        if (t.endsWith(";")) {
            t = t.substring(0, t.length() - 1).trim();
        }
        return t.length() > max ? t.substring(0, max - 3) + "..." : t;
    }
}

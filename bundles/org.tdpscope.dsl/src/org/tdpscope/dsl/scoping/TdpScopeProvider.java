/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.scoping;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.eclipse.emf.ecore.EClass;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EReference;
import org.eclipse.xtext.EcoreUtil2;
import org.eclipse.xtext.scoping.IScope;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.scoping.Scopes;
import org.eclipse.xtext.scoping.impl.MapBasedScope;
import org.eclipse.xtext.util.Tuples;
import org.tdpscope.dsl.tdp.Actor;
import org.tdpscope.dsl.tdp.Invalidator;
import org.tdpscope.dsl.tdp.Memslot;
import org.tdpscope.dsl.tdp.Model;
import org.tdpscope.dsl.tdp.TdpPackage;
import org.tdpscope.dsl.tdp.ThreadDecl;
import org.tdpscope.dsl.tdp.Vcpu;
import org.tdpscope.dsl.tdp.VmItem;
import org.tdpscope.dsl.tdp.Walker;

/**
 * Names live in one scenario: a {@code vcpu} thread names a vCPU of the {@code vm} block; schedule
 * steps and expectations name vCPUs, walkers and invalidators; invalidators name memslots by id.
 */
public class TdpScopeProvider extends AbstractTdpScopeProvider {

    @Override
    public IScope getScope(EObject context, EReference reference) {
        Model model = EcoreUtil2.getContainerOfType(context, Model.class);
        if (model == null) {
            return IScope.NULLSCOPE;
        }
        EClass type = reference.getEReferenceType();
        if (type == TdpPackage.Literals.VCPU) {
            return cached(model, "vcpus", () -> vcpus(model));
        }
        if (type == TdpPackage.Literals.ACTOR) {
            return cached(model, "actors", () -> actors(model));
        }
        if (type == TdpPackage.Literals.MEMSLOT) {
            return cached(model, "memslots", () -> memslots(model));
        }
        return super.getScope(context, reference);
    }

    /**
     * A scope by name (a hash look-up; the first of equal names wins, as in a list scope), made once per parse:
     * 10,000 vCPU threads naming 10,000 vCPUs link in linear time. The resource's cache is emptied on every change.
     */
    private static IScope cached(Model model, String what, Supplier<List<? extends EObject>> elements) {
        Supplier<IScope> make = () -> MapBasedScope.createScope(IScope.NULLSCOPE,
                Scopes.scopedElementsFor(elements.get()));
        if (model.eResource() instanceof XtextResource r && r.getCache() != null) {
            return r.getCache().get(Tuples.create(TdpScopeProvider.class, what), r, make::get);
        }
        return make.get();
    }

    public static List<Vcpu> vcpus(Model model) {
        List<Vcpu> out = new ArrayList<>();
        if (model.getVm() != null) {
            for (VmItem i : model.getVm().getItems()) {
                if (i instanceof Vcpu v && v.getName() != null) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    public static List<Memslot> memslots(Model model) {
        List<Memslot> out = new ArrayList<>();
        if (model.getVm() != null) {
            for (VmItem i : model.getVm().getItems()) {
                if (i instanceof Memslot m && m.getName() != null) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** vCPUs first, then walkers and invalidators in declaration order. */
    public static List<Actor> actors(Model model) {
        List<Actor> out = new ArrayList<>(vcpus(model));
        if (model.getThreads() != null) {
            for (ThreadDecl t : model.getThreads().getThreads()) {
                if ((t instanceof Walker || t instanceof Invalidator) && ((Actor) t).getName() != null) {
                    out.add((Actor) t);
                }
            }
        }
        return out;
    }
}

"""A minimal, faithful copy of the pickling side of NVIDIA's torch_utils/persistence.py
(stylegan2-ada-pytorch, stylegan3): what a network snapshot's bytes look like. Loading one with
Python's pickle executes the embedded module source (`_src_to_module`): that is the behaviour the
Likeness reader must never reproduce, and the tests use it as the hostile control."""

import copy
import inspect
import sys
import types
import uuid

_version = 6
_decorators = set()
_module_to_src_dict = dict()
_src_to_module_dict = dict()


def persistent_class(orig_class):
    if orig_class in _decorators:
        return orig_class
    orig_module = sys.modules[orig_class.__module__]
    orig_module_src = _module_to_src(orig_module)

    class Decorator(orig_class):
        _orig_module_src = orig_module_src
        _orig_class_name = orig_class.__name__

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._init_args = copy.deepcopy(args)
            self._init_kwargs = copy.deepcopy(kwargs)

        @property
        def init_args(self):
            return copy.deepcopy(self._init_args)

        @property
        def init_kwargs(self):
            return copy.deepcopy(self._init_kwargs)

        def __reduce__(self):
            fields = list(super().__reduce__())
            fields += [None] * max(3 - len(fields), 0)
            if fields[0] is not _reconstruct_persistent_obj:
                meta = dict(type='class', version=_version, module_src=self._orig_module_src, class_name=self._orig_class_name, state=fields[2])
                fields[0] = _reconstruct_persistent_obj
                fields[1] = (meta,)
                fields[2] = None
            return tuple(fields)

    Decorator.__name__ = orig_class.__name__
    _decorators.add(Decorator)
    return Decorator


def _module_to_src(module):
    src = _module_to_src_dict.get(module, None)
    if src is None:
        src = inspect.getsource(module)
        _module_to_src_dict[module] = src
        _src_to_module_dict[src] = module
    return src


def _src_to_module(src):
    module = _src_to_module_dict.get(src, None)
    if module is None:
        module_name = "_imported_module_" + uuid.uuid4().hex
        module = types.ModuleType(module_name)
        sys.modules[module_name] = module
        _module_to_src_dict[module] = src
        _src_to_module_dict[src] = module
        exec(src, module.__dict__)  # the step a downloaded snapshot abuses
    return module


def _reconstruct_persistent_obj(meta):
    meta = dict(meta)
    assert meta['type'] == 'class'
    module = _src_to_module(meta['module_src'])
    orig_class = module.__dict__[meta['class_name']]
    decorator_class = persistent_class(orig_class)
    obj = decorator_class.__new__(decorator_class)
    setstate = getattr(obj, '__setstate__', None)
    if callable(setstate):
        setstate(meta['state'])
    else:
        obj.__dict__.update(meta['state'])
    return obj

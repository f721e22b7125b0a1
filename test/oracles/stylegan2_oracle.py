"""PyTorch oracle for the StyleGAN2 import tests (Debian python3-torch).

  generator --format rosinality|nvidia --resolution R --channel-max C --out DIR [--legacy] [--half]
      Random-initialises the reference generator, saves it the way that codebase does (rosinality:
      torch.save of {'g_ema': state_dict, 'latent_avg'}; NVIDIA: pickle of a snapshot dict whose
      G_ema is pickled through torch_utils.persistence), and writes a fixed W+, z and the
      reference outputs as raw float32: wplus.f32, image.f32, z.f32, w.f32, meta.json.
  hostile --out DIR --marker PATH
      Writes checkpoints that run `touch PATH` when loaded by Python: a pickle naming os.system,
      a torch zip naming it after a real tensor, and a persistence record whose source does it.
  python-load FILE
      Loads FILE the way Python users do (torch.load / pickle.load): the hostile control.
"""

import argparse
import copy
import json
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import dnnlib  # noqa: E402
import nvidia_networks  # noqa: E402
import rosinality_model  # noqa: E402
from torch_utils import persistence  # noqa: E402

W_DIM = 512
BATCH = 2
PSI = 0.7


def perturb(module, noise_scale):
    """Random init leaves noise strengths at 0 and biases at constants; spread them so every term counts."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if 'noise' in name:
                p.copy_(torch.randn_like(p) * noise_scale)
            elif 'bias' in name:
                p.add_(torch.randn_like(p) * 0.1)


def write_f32(path, tensor):
    tensor.detach().to(torch.float32).contiguous().numpy().astype('<f4').tofile(path)


def rosinality(args):
    g = rosinality_model.Generator(args.resolution, W_DIM, 8, channel_multiplier=2, channel_max=args.channel_max).eval()
    perturb(g, 0.3)
    latent_avg = torch.randn(W_DIM) * 0.3
    if args.half:
        g = g.half().float()
    state = g.state_dict()
    if args.half:
        state = {k: v.half() for k, v in state.items()}
    # One transposed view, so the reader must honour strides rather than assume contiguity.
    state['style.1.weight'] = state['style.1.weight'].t().contiguous().t()
    assert not state['style.1.weight'].is_contiguous()
    path = os.path.join(args.out, 'stylegan2-rosinality.pt')
    checkpoint = {'g_ema': state, 'latent_avg': latent_avg, 'args': {'size': args.resolution}}
    if args.no_latent_avg:
        # A training checkpoint (train.py saves none): users then estimate it as rosinality's
        # mean_latent(4096) does; write that estimate and the spread of w for the test's tolerance.
        del checkpoint['latent_avg']
        with torch.no_grad():
            samples = g.style(torch.randn(4096, W_DIM))
        latent_avg = samples.mean(0)
        write_f32(os.path.join(args.out, 'w_avg.f32'), latent_avg)
        write_f32(os.path.join(args.out, 'w_std.f32'), samples.std(0))
    torch.save(checkpoint, path, _use_new_zipfile_serialization=not args.legacy)
    with torch.no_grad():
        z = torch.randn(BATCH, W_DIM)
        w = g.mapping(z, PSI, latent_avg)
        wplus = w[:, None, :] + 0.3 * torch.randn(BATCH, g.n_latent, W_DIM)
        image = g.synthesis(wplus)
    return path, g.n_latent, z, w, wplus, image


def nvidia(args):
    channel_base = args.channel_max * 4 * max(1, args.resolution // 64)
    G = nvidia_networks.Generator(z_dim=W_DIM, c_dim=0, w_dim=W_DIM, img_resolution=args.resolution, img_channels=3,
                                  mapping_kwargs=dnnlib.EasyDict(num_layers=8),
                                  synthesis_kwargs=dnnlib.EasyDict(channel_base=channel_base, channel_max=args.channel_max,
                                                                   num_fp16_res=0, conv_clamp=256))
    perturb(G, 0.3)
    with torch.no_grad():
        G.mapping.w_avg.copy_(torch.randn(W_DIM) * 0.3)
    G = G.eval().requires_grad_(False)
    snapshot = dict(training_set_kwargs=dict(class_name='training.dataset.ImageFolderDataset', resolution=args.resolution),
                    G=copy.deepcopy(G), D=None, G_ema=G, augment_pipe=None)
    path = os.path.join(args.out, 'network-snapshot.pkl')
    with open(path, 'wb') as f:
        pickle.dump(snapshot, f)
    with torch.no_grad():
        z = torch.randn(BATCH, W_DIM)
        w = G.mapping(z, None, truncation_psi=PSI)[:, 0]
        wplus = w[:, None, :] + 0.3 * torch.randn(BATCH, G.num_ws, W_DIM)
        image = G.synthesis(wplus)
    return path, G.num_ws, z, w, wplus, image


def generator(args):
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    path, num_ws, z, w, wplus, image = (rosinality if args.format == 'rosinality' else nvidia)(args)
    for name, tensor in [('z', z), ('w', w), ('wplus', wplus), ('image', image)]:
        write_f32(os.path.join(args.out, f'{name}.f32'), tensor)
    # An InterFaceGAN-style boundary: a unit normal in W, saved as InterFaceGAN does ([1, W], np.save).
    boundary = np.random.RandomState(args.seed).randn(1, W_DIM)
    np.save(os.path.join(args.out, 'boundary.npy'), boundary / np.linalg.norm(boundary))
    with open(os.path.join(args.out, 'meta.json'), 'w') as f:
        json.dump(dict(checkpoint=path, numWs=num_ws, resolution=args.resolution, batch=BATCH, wDim=W_DIM, psi=PSI), f)


class RunsOnLoad:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


class PersistentRecord:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        src = f"import os\nos.system('touch {self.marker}')\nclass Generator:\n    pass\n"
        meta = dict(type='class', version=persistence._version, module_src=src, class_name='Generator', state={})
        return (persistence._reconstruct_persistent_obj, (meta,))


def hostile(args):
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'hostile-global.pkl'), 'wb') as f:
        pickle.dump({'G_ema': RunsOnLoad(args.marker)}, f)
    torch.save({'g_ema': {'style.1.weight': torch.ones(2, 2)}, 'args': RunsOnLoad(args.marker)}, os.path.join(args.out, 'hostile-global.pt'))
    with open(os.path.join(args.out, 'hostile-persistence.pkl'), 'wb') as f:
        pickle.dump({'G_ema': PersistentRecord(args.marker)}, f)


def python_load(args):
    if args.file.endswith('.pt'):
        torch.load(args.file)
    else:
        with open(args.file, 'rb') as f:
            pickle.load(f)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='command', required=True)
    g = sub.add_parser('generator')
    g.add_argument('--format', choices=['rosinality', 'nvidia'], required=True)
    g.add_argument('--resolution', type=int, required=True)
    g.add_argument('--channel-max', type=int, default=512)
    g.add_argument('--out', required=True)
    g.add_argument('--seed', type=int, default=1)
    g.add_argument('--legacy', action='store_true')
    g.add_argument('--half', action='store_true')
    g.add_argument('--no-latent-avg', action='store_true')
    h = sub.add_parser('hostile')
    h.add_argument('--out', required=True)
    h.add_argument('--marker', required=True)
    p = sub.add_parser('python-load')
    p.add_argument('file')
    args = parser.parse_args()
    torch.set_num_threads(1)
    {'generator': generator, 'hostile': hostile, 'python-load': python_load}[args.command](args)


if __name__ == '__main__':
    main()
